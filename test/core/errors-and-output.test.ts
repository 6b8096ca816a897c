import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closestMatch, configError, didYouMean, ExitCode, MeshError } from '../../src/core/errors.js';
import { createOutput, formatTable } from '../../src/io/output.js';
import { askConfirm, askSelect, askText } from '../../src/io/prompts.js';

function sink(): { stream: Writable; text: () => string } {
  let buf = '';
  return {
    stream: new Writable({
      write(chunk, _e, cb) {
        buf += String(chunk);
        cb();
      },
    }),
    text: () => buf,
  };
}

describe('MeshError', () => {
  it('carries a code, a hint and an exit code, and serialises without the stack', () => {
    const e = configError('ConfigInvalid', 'Unknown field "ownr".', {
      hint: 'Did you mean "owner"?',
      location: { file: 'domain.yaml', line: 3, column: 1 },
    });
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.toJSON()).toEqual({
      code: 'ConfigInvalid',
      message: 'Unknown field "ownr".',
      hint: 'Did you mean "owner"?',
      location: { file: 'domain.yaml', line: 3, column: 1 },
    });
    expect(new MeshError('InternalError', 'y').exitCode).toBe(ExitCode.Failure);
    expect(new MeshError('AwsInternalFailure', 'y').exitCode).toBe(ExitCode.Failure);
  });

  it('suggests the closest name only when it is close', () => {
    expect(closestMatch('podcast', ['songs', 'podcasts', 'users'])).toBe('podcasts');
    expect(closestMatch('zzz', ['songs', 'podcasts'])).toBeUndefined();
    expect(didYouMean('intractions', ['interactions'])).toBe('Did you mean "interactions"?');
  });
});

describe('Output', () => {
  it('sends results to stdout and everything else to stderr', () => {
    const out = sink();
    const err = sink();
    const o = createOutput({ stdout: out.stream, stderr: err.stream });
    o.info('working');
    o.warn('careful');
    o.result({ n: 1 }, 'one thing');
    expect(out.text()).toBe('one thing\n');
    expect(err.text()).toBe('working\nwarning: careful\n');
  });

  it('keeps the result for one JSON document with --json and writes nothing to stdout itself', () => {
    const out = sink();
    const o = createOutput({ json: true, stdout: out.stream, stderr: sink().stream });
    o.result({ n: 1 }, 'one thing');
    expect(out.text()).toBe('');
    expect(o.takeJsonResult()).toMatchObject({ has: true, value: { n: 1 } });
  });

  it('prints errors with code, location and hint on stderr, no colour when off', () => {
    const err = sink();
    const o = createOutput({ stdout: sink().stream, stderr: err.stream, color: false });
    o.error(
      new MeshError('AccessDenied', 'No grant on songs.', {
        hint: 'mesh subscribe songs --domain analytics --table',
        location: { file: 'q.sql', line: 2 },
      }),
    );
    expect(err.text()).toBe('error [AccessDenied] q.sql:2: No grant on songs.\n  hint: mesh subscribe songs --domain analytics --table\n');
    expect(err.text()).not.toContain('\u001b[');
  });

  it('formats aligned tables', () => {
    expect(formatTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\nxxx  y');
  });
});

describe('prompts without a TTY', () => {
  const log: string[] = [];
  const policy = { interactive: false, log: (l: string) => log.push(l) };

  it('use the default and say so', async () => {
    await expect(askText({ message: 'Domain name', flag: '--name', default: 'songs' }, policy)).resolves.toBe('songs');
    await expect(
      askSelect({ message: 'Kind', flag: '--kind', default: 'producer', choices: [{ value: 'producer' }] }, policy),
    ).resolves.toBe('producer');
    await expect(askConfirm({ message: 'Go?', flag: '--yes', default: true }, policy)).resolves.toBe(true);
    expect(log[0]).toContain('auto: songs (--name)');
  });

  it('fail naming the flag when there is no default', async () => {
    await expect(askText({ message: 'AWS account id', flag: '--account' }, policy)).rejects.toMatchObject({
      code: 'MissingFlag',
      hint: 'Pass --account.',
      exitCode: ExitCode.Usage,
    });
  });

  it('validate the default', async () => {
    await expect(
      askText(
        { message: 'Account', flag: '--account', default: '12', validate: (v) => (/^\d{12}$/.test(v) ? true : 'needs 12 digits') },
        policy,
      ),
    ).rejects.toMatchObject({
      code: 'InvalidFlag',
    });
  });
});
