// The Personalize fake of the aws end-to-end test (test/e2e/aws-personalize-fake.ts) with the delete calls, as
// Personalize answers them: a deleted resource walks DELETE PENDING → DELETE IN_PROGRESS, one step per Describe, and
// is then unknown (ResourceNotFoundException); a parent still holding a child (even one being deleted) refuses with
// ResourceInUseException: a solution its campaigns, a dataset group its datasets, solutions, filters and event
// tracker, a schema the datasets using it. Solution versions go with their solution, import jobs with their dataset.
import {
  DeleteCampaignCommand,
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { AccountPersonalize } from '../e2e/aws-personalize-fake.js';

type Stored = AccountPersonalize['resources'] extends Map<string, infer R> ? R : never;
const DELETE_STEPS = ['DELETE IN_PROGRESS', 'DELETE PENDING'];

export class DeletingPersonalize extends AccountPersonalize {
  /**
   * Calls to fail once with LimitExceededException: a Delete command's name without `Command`, or `Describe <kind>`
   * for a Describe of a resource of that kind being deleted (a run stopped while it waits).
   */
  readonly failOnce = new Set<string>();

  constructor(account: string, region: string) {
    super(account, region);
    // why: FakePersonalize's handlers read each status through its private observe(); deleting resources answer here
    const self = this as unknown as { observe: (r: Stored) => { status: string } };
    const observe = self.observe.bind(this);
    self.observe = (r: Stored) => {
      const left = r.extra.deleting as number | undefined;
      if (left === undefined) return observe(r);
      this.maybeFail(`Describe ${r.kind}`);
      if (left > 0) {
        r.extra.deleting = left - 1;
        return { status: DELETE_STEPS[left - 1] as string };
      }
      this.forget(r);
      throw new ResourceNotFoundException({ message: `${r.kind} ${r.arn} not found`, $metadata: {} });
    };
    this.onDelete(DeleteCampaignCommand, 'campaign', 'campaignArn', () => undefined);
    this.onDelete(DeleteEventTrackerCommand, 'tracker', 'eventTrackerArn', () => undefined);
    this.onDelete(DeleteFilterCommand, 'filter', 'filterArn', () => undefined);
    this.onDelete(DeleteSolutionCommand, 'solution', 'solutionArn', (r) =>
      this.all().some((c) => c.kind === 'campaign' && String(c.extra.solutionVersionArn).startsWith(`${r.arn}/`)),
    );
    this.onDelete(DeleteDatasetCommand, 'dataset', 'datasetArn', () => undefined);
    this.onDelete(DeleteDatasetGroupCommand, 'dsg', 'datasetGroupArn', (r) => this.all().some((c) => c.input.datasetGroupArn === r.arn));
    this.pz.on(DeleteSchemaCommand).callsFake((input: { schemaArn: string }) => {
      this.maybeFail('DeleteSchema');
      const r = this.find(input.schemaArn, 'schema');
      if (this.all().some((d) => d.kind === 'dataset' && d.input.schemaArn === r.arn)) throw this.inUse(r);
      this.resources.delete(r.arn);
      return {};
    });
  }

  private all(): Stored[] {
    return [...this.resources.values()];
  }

  private find(arn: string, kind: string): Stored {
    const r = this.resources.get(arn);
    if (!r || r.kind !== kind) throw new ResourceNotFoundException({ message: `${kind} ${arn} not found`, $metadata: {} });
    return r;
  }

  private inUse(r: Stored): ResourceInUseException {
    return new ResourceInUseException({ message: `${r.kind} ${r.name} is in use`, $metadata: {} });
  }

  private maybeFail(command: string): void {
    if (!this.failOnce.delete(command)) return;
    throw new LimitExceededException({ message: `${command}: the test's one-time failure`, $metadata: {} });
  }

  /** Removes a resource and what Personalize removes with it. */
  private forget(r: Stored): void {
    this.resources.delete(r.arn);
    for (const c of this.all()) {
      if (
        (r.kind === 'solution' && c.kind === 'version' && c.input.solutionArn === r.arn) ||
        (r.kind === 'dataset' && c.kind === 'import' && c.input.datasetArn === r.arn)
      )
        this.resources.delete(c.arn);
    }
  }

  private onDelete(command: unknown, kind: string, field: string, busy: (r: Stored) => unknown): void {
    const name = (command as { name: string }).name.replace(/Command$/, '');
    // why: aws-sdk-client-mock's `on` is typed per command; these all take one ARN and answer {}
    this.pz.on(command as typeof DeleteCampaignCommand).callsFake((input: Record<string, string>) => {
      this.maybeFail(name);
      const r = this.find(input[field] as string, kind);
      if (r.extra.deleting !== undefined) throw this.inUse(r);
      if (busy(r)) throw this.inUse(r);
      r.extra.deleting = DELETE_STEPS.length;
      return {};
    });
  }
}
