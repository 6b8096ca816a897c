// The Personalize control plane for the aws end-to-end test: the stateful fake from test/personalize (resources walk
// CREATE PENDING → CREATE IN_PROGRESS → ACTIVE, one step per Describe), with ARNs in the test's consumer account and
// region. Only PersonalizeClient is mocked: S3 (the CSV uploads, the bucket policy) and IAM (the service role) go to moto.
import { FakePersonalize } from '../personalize/fake-personalize.js';

export class AccountPersonalize extends FakePersonalize {
  constructor(
    private readonly account: string,
    private readonly region: string,
  ) {
    super();
    this.s3.restore();
    this.iam.restore();
  }

  override arn(resource: string): string {
    return `arn:aws:personalize:${this.region}:${this.account}:${resource}`;
  }

  /** Every Describe call made, by command name (how often each status was read). */
  describeCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.pz.calls()) {
      const name = (call.args[0] as unknown as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
      if (name.startsWith('Describe')) counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  }

  restoreAll(): void {
    this.pz.restore();
  }
}
