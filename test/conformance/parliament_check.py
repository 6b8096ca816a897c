"""Lints IAM policy documents with parliament (scripts/requirements-test.txt pins it in .services/venv).

stdin: a JSON list of {"name": str, "policy": object}; stdout: a JSON map name -> list of findings
({"issue", "severity", "title", "detail", "location"}). Used by test/conformance/parliament.ts.
"""
import json
import sys

from parliament import analyze_policy_string, enhance_finding


def main():
    items = json.load(sys.stdin)
    out = {}
    for item in items:
        policy = analyze_policy_string(json.dumps(item["policy"]), include_community_auditors=True)
        findings = []
        for finding in policy.findings:
            finding = enhance_finding(finding)
            findings.append(
                {
                    "issue": finding.issue,
                    "severity": finding.severity,
                    "title": finding.title,
                    "detail": str(finding.detail),
                    "location": str(finding.location),
                }
            )
        out[item["name"]] = findings
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
