import { formatPath, type PathSegment, type Problem, type ProblemCode, type Severity } from './problems.js';
import type { Position, SourceFile } from './yaml-source.js';

export interface ReportOptions {
  readonly hint?: string;
  readonly severity?: Severity;
  /** Point at the field's key rather than its value (unknown or misplaced fields). */
  readonly key?: boolean;
}

/** Collects problems; every loader step and rule reports here, so one run finds them all. */
export class Reporter {
  readonly problems: Problem[] = [];

  /** A problem at a field of a parsed file. */
  at(source: SourceFile, path: readonly PathSegment[], code: ProblemCode, message: string, options: ReportOptions = {}): void {
    this.atPosition(source.rel, source.position(path, { key: options.key }), formatPath(path), code, message, options);
  }

  /** A problem at a known position (a file that is not YAML, such as an .avsc or a file that failed to parse). */
  atPosition(file: string, position: Position, path: string, code: ProblemCode, message: string, options: ReportOptions = {}): void {
    this.problems.push({
      code,
      severity: options.severity ?? 'error',
      file,
      line: position.line,
      column: position.column,
      path,
      message,
      ...(options.hint ? { hint: options.hint } : {}),
    });
  }

  addAll(problems: readonly Problem[]): void {
    this.problems.push(...problems);
  }
}
