import { Profile, ProfilesServiceService, type DeviceDryRun } from '@acs/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { stringify } from 'yaml';
import { usageError } from '../acsctl.error';
import { grpcStatusOf } from '../api.connection';
import { intOption, stringOption } from '../cli.args';
import { ExitCode } from '../cli.exit-codes';
import { isoTime, type CommandContext, type CommandHandler } from '../command.context';
import { parseInputFile } from '../input-file.loader';
import type { Column } from '../output.formatter';
import { readInput } from './tasks.commands';

// profiles apply -f | get | list | delete | dry-run -f. A profile file is the profile's definition
// (docs/provisioning.md); the API validates it and names the offending field.

const PROFILE_COLUMNS: readonly Column<Profile>[] = [
  { header: 'NAME', value: (p) => p.name },
  { header: 'VERSION', value: (p) => p.version },
  { header: 'PRIORITY', value: (p) => p.priority },
  { header: 'UPDATED', value: (p) => isoTime(p.updatedAt) },
  { header: 'BY', value: (p) => p.updatedBy },
];

async function definitionFromFile(
  ctx: CommandContext,
  command: string,
): Promise<Record<string, unknown>> {
  const file = stringOption(ctx.options, 'file');
  if (file === undefined) throw usageError(`${command}: -f FILE is required`);
  return parseInputFile(file, await readInput(ctx, file));
}

/** Create, or update when the name exists: `apply` makes the stored profile equal the file. */
export const profilesApply: CommandHandler = async (ctx) => {
  const definition = await definitionFromFile(ctx, 'profiles apply');
  let profile: Profile | undefined;
  let action: 'created' | 'updated';
  try {
    profile = (await ctx.api.unary(ProfilesServiceService.createProfile, { definition })).profile;
    action = 'created';
  } catch (e) {
    if (grpcStatusOf(e) !== GrpcStatus.ALREADY_EXISTS) throw e;
    profile = (await ctx.api.unary(ProfilesServiceService.updateProfile, { definition })).profile;
    action = 'updated';
  }
  if (ctx.format === 'json')
    ctx.print.json({ action, profile: profile && Profile.toJSON(profile) });
  else
    ctx.print.text(
      `profile ${profile?.name ?? '?'} ${action} (version ${profile?.version ?? '?'})`,
    );
  return ExitCode.Ok;
};

export const profilesGet: CommandHandler = async (ctx) => {
  const res = await ctx.api.unary(ProfilesServiceService.getProfile, { name: ctx.args[0] ?? '' });
  const p = res.profile ?? Profile.fromPartial({});
  if (ctx.format === 'json') {
    ctx.print.json(Profile.toJSON(p));
    return ExitCode.Ok;
  }
  // The definition as YAML, so it can be edited and applied again.
  ctx.print.text(
    [
      `# version ${p.version}, updated ${isoTime(p.updatedAt) ?? '-'} by ${p.updatedBy || '-'}`,
      stringify(p.definition ?? {}).trimEnd(),
    ].join('\n'),
  );
  return ExitCode.Ok;
};

export const profilesList: CommandHandler = async (ctx) => {
  const res = await ctx.api.unary(ProfilesServiceService.listProfiles, {});
  if (ctx.format === 'json')
    ctx.print.json({ profiles: res.profiles.map((p) => Profile.toJSON(p)) });
  else ctx.print.table(res.profiles, PROFILE_COLUMNS);
  return ExitCode.Ok;
};

export const profilesDelete: CommandHandler = async (ctx) => {
  const name = ctx.args[0] ?? '';
  await ctx.api.unary(ProfilesServiceService.deleteProfile, { name });
  if (ctx.format === 'json') ctx.print.json({ deleted: name });
  else ctx.print.text(`profile ${name} deleted`);
  return ExitCode.Ok;
};

const DRY_RUN_COLUMNS: readonly Column<DeviceDryRun>[] = [
  { header: 'DEVICE', value: (d) => d.deviceId },
  {
    header: 'RPCS',
    value: (d) => d.rpcs.map((r) => `${r.method}(${r.targets.join(',')})`).join(' '),
  },
];

export const profilesDryRun: CommandHandler = async (ctx) => {
  const definition = await definitionFromFile(ctx, 'profiles dry-run');
  const call = ctx.api.unary(ProfilesServiceService.dryRunProfile, {
    definition,
    deviceFilter: stringOption(ctx.options, 'filter') ?? '',
    maxDevices: intOption(ctx.options, 'max-devices', 1, 10_000) ?? 0,
  });
  const res = await ctx.progress.during('evaluating the profile against devices', call);
  if (ctx.format === 'json') {
    ctx.print.json({
      devices: res.devices.map((d) => ({ deviceId: d.deviceId, rpcs: d.rpcs })),
      devicesExamined: res.devicesExamined,
      truncated: res.truncated,
    });
    return ExitCode.Ok;
  }
  ctx.print.table(res.devices, DRY_RUN_COLUMNS);
  ctx.io.stderr.write(
    `${res.devices.length} of ${res.devicesExamined} examined device(s) would change${res.truncated ? ' (more devices matched: raise --max-devices)' : ''}\n`,
  );
  return ExitCode.Ok;
};
