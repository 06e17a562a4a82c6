import { COMMANDS } from './cli.commands';
import type { CommandHandler } from './command.context';
import {
  devicesDelete,
  devicesGet,
  devicesList,
  devicesTagAdd,
  devicesTagRemove,
  devicesWatch,
} from './commands/devices.commands';
import { actionsScheduleInform, actionsUpload, wake } from './commands/actions.commands';
import { faultsClear, faultsList, faultsRetry } from './commands/faults.commands';
import { paramsGet, paramsSet } from './commands/params.commands';
import {
  profilesApply,
  profilesDelete,
  profilesDryRun,
  profilesGet,
  profilesList,
} from './commands/profiles.commands';
import {
  tasksCancel,
  tasksCreate,
  tasksGet,
  tasksList,
  tasksRetry,
} from './commands/tasks.commands';

/** Handler per command path (`devices tag add`); cli.runner.spec.ts checks it covers COMMANDS. */
export const HANDLERS: Readonly<Record<string, CommandHandler>> = {
  'devices list': devicesList,
  'devices get': devicesGet,
  'devices watch': devicesWatch,
  'devices delete': devicesDelete,
  'devices tag add': devicesTagAdd,
  'devices tag remove': devicesTagRemove,
  'params get': paramsGet,
  'params set': paramsSet,
  'tasks create': tasksCreate,
  'tasks get': tasksGet,
  'tasks list': tasksList,
  'tasks cancel': tasksCancel,
  'tasks retry': tasksRetry,
  'profiles apply': profilesApply,
  'profiles get': profilesGet,
  'profiles list': profilesList,
  'profiles delete': profilesDelete,
  'profiles dry-run': profilesDryRun,
  'faults list': faultsList,
  'faults clear': faultsClear,
  'faults retry': faultsRetry,
  'actions upload': actionsUpload,
  'actions schedule-inform': actionsScheduleInform,
  wake,
};

export function handlerFor(path: readonly string[]): CommandHandler | undefined {
  return HANDLERS[path.join(' ')];
}

/** Command paths without a handler (must be none). */
export function unhandledCommands(): string[] {
  return COMMANDS.map((c) => c.path.join(' ')).filter((p) => HANDLERS[p] === undefined);
}
