import type { ParseArgsOptionDescriptor } from 'node:util';

// Every command the CLI knows: its words, positionals and own options, and its help text. The
// parser (cli.args.ts) and the help (cli.help.ts) read this table; the handlers are wired in
// command.registry.ts. An option name has the same type in every command that has it.

export type OptionSpec = ParseArgsOptionDescriptor & {
  readonly help: string;
  readonly arg?: string;
};

export interface CommandSpec {
  /** The command words, e.g. ['devices', 'tag', 'add']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Positional arguments as shown in the help, e.g. ['DEVICE', 'TAG...']. */
  readonly args: readonly string[];
  readonly minArgs: number;
  /** Infinity for a trailing list. */
  readonly maxArgs: number;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
}

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  addr: { type: 'string', arg: 'HOST:PORT', help: 'API address (ACS_API_ADDR; 127.0.0.1:50051)' },
  'api-key': {
    type: 'string',
    arg: 'KEY',
    help: 'API key (ACS_API_KEY; prefer the variable: argv is visible in ps)',
  },
  token: { type: 'string', arg: 'JWT', help: 'bearer token instead of an API key (ACS_API_TOKEN)' },
  tls: { type: 'boolean', help: 'use TLS (ACS_API_TLS=true; implied by --ca/--cert)' },
  ca: {
    type: 'string',
    arg: 'FILE',
    help: 'CA certificate (PEM) to verify the server (ACS_API_CA)',
  },
  cert: { type: 'string', arg: 'FILE', help: 'client certificate for mTLS (ACS_API_CERT)' },
  key: { type: 'string', arg: 'FILE', help: 'client private key for mTLS (ACS_API_CERT_KEY)' },
  'server-name': {
    type: 'string',
    arg: 'NAME',
    help: 'TLS server name to verify (ACS_API_SERVER_NAME)',
  },
  timeout: { type: 'string', arg: 'SECONDS', help: 'deadline of each call (ACS_API_TIMEOUT; 30)' },
  output: { type: 'string', short: 'o', arg: 'table|json', help: 'output format (table)' },
  json: { type: 'boolean', help: 'same as --output json' },
  progress: {
    type: 'boolean',
    help: 'progress on stderr when it is a terminal; --no-progress hides it',
  },
  help: { type: 'boolean', short: 'h', help: 'show help' },
};

const FIELDS: OptionSpec = {
  type: 'string',
  arg: 'NAMES',
  help: 'field mask: comma-separated device fields to return (id,tags,last_inform...)',
};
const PARAMS: OptionSpec = {
  type: 'string',
  arg: 'PATHS',
  help: 'comma-separated parameter/object paths whose values to show',
};
const DEVICE_WAIT: Readonly<Record<string, OptionSpec>> = {
  wake: { type: 'boolean', help: 'send a connection request so the device connects now' },
  wait: { type: 'boolean', help: 'wait until the device applied it (until --timeout)' },
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['devices', 'list'],
    summary: 'list devices, optionally filtered',
    args: [],
    minArgs: 0,
    maxArgs: 0,
    options: {
      filter: {
        type: 'string',
        arg: 'EXPR',
        help: 'filter expression over facts, tags and parameter values',
      },
      fields: FIELDS,
      params: PARAMS,
      'page-size': { type: 'string', arg: 'N', help: 'devices per page (1..1000; 100)' },
      'page-token': { type: 'string', arg: 'TOKEN', help: 'continue from a previous page' },
      all: { type: 'boolean', help: 'follow the cursor through every page' },
    },
    examples: [
      `acsctl devices list --filter 'tag = "lab" AND InternetGatewayDevice.DeviceInfo.SoftwareVersion = "1.2"'`,
      'acsctl devices list --all --json --fields id,lastInform | jq -r .id',
    ],
  },
  {
    path: ['devices', 'get'],
    summary: 'show one device',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: { fields: FIELDS, params: PARAMS },
  },
  {
    path: ['devices', 'watch'],
    summary: 'print device changes as they happen, until Ctrl-C',
    args: ['[DEVICE...]'],
    minArgs: 0,
    maxArgs: Infinity,
    options: {
      for: { type: 'string', arg: 'SECONDS', help: 'stop after this long (exit 0)' },
    },
    examples: ["acsctl devices watch --json | jq -c 'select(.boot)'"],
  },
  {
    path: ['devices', 'delete'],
    summary: 'delete a device and its state',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: {},
  },
  {
    path: ['devices', 'tag', 'add'],
    summary: 'add tags to a device',
    args: ['DEVICE', 'TAG...'],
    minArgs: 2,
    maxArgs: Infinity,
    options: {},
  },
  {
    path: ['devices', 'tag', 'remove'],
    summary: 'remove tags from a device',
    args: ['DEVICE', 'TAG...'],
    minArgs: 2,
    maxArgs: Infinity,
    options: {},
  },
  {
    path: ['params', 'get'],
    summary: 'read parameter values (stored, or live from the device)',
    args: ['DEVICE', 'PATH...'],
    minArgs: 2,
    maxArgs: Infinity,
    options: {
      live: { type: 'boolean', help: 'wake the device and read fresh values (until --timeout)' },
    },
    examples: ['acsctl params get 00259E-HG8245-0001 Device.DeviceInfo. --live'],
  },
  {
    path: ['params', 'set'],
    summary: 'set parameter values',
    args: ['DEVICE', 'PATH[:TYPE]=VALUE...'],
    minArgs: 2,
    maxArgs: Infinity,
    options: DEVICE_WAIT,
    examples: [
      'acsctl params set 00259E-HG8245-0001 Device.WiFi.SSID.1.SSID=guest --wake --wait',
      'acsctl params set DEV Device.ManagementServer.PeriodicInformInterval:unsignedInt=300',
    ],
  },
  {
    path: ['tasks', 'create'],
    summary: 'create a task from a YAML/JSON file and follow its status',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: {
      file: { type: 'string', short: 'f', arg: 'FILE', help: 'the task operation (YAML or JSON)' },
      id: { type: 'string', arg: 'ID', help: 'client-chosen task id ([A-Za-z0-9_-]{1,64})' },
      ttl: { type: 'string', arg: 'SECONDS', help: 'not run after this long' },
      ...DEVICE_WAIT,
    },
    examples: [
      'acsctl tasks create DEV -f reboot.yaml --wake --wait     # reboot.yaml: "reboot: {}"',
      'acsctl tasks create DEV -f get.yaml  # get.yaml: "getParameters: {paths: [Device.DeviceInfo.]}"',
    ],
  },
  {
    path: ['tasks', 'get'],
    summary: 'show a task',
    args: ['TASK'],
    minArgs: 1,
    maxArgs: 1,
    options: {
      wait: { type: 'boolean', help: 'poll until the task is final (until --timeout)' },
    },
  },
  {
    path: ['tasks', 'list'],
    summary: 'list a device’s tasks, newest first',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: {
      status: { type: 'string', arg: 'STATUS', help: 'pending|done|faulted|expired|cancelled' },
      'page-size': { type: 'string', arg: 'N', help: 'tasks per page (100)' },
      'page-token': { type: 'string', arg: 'TOKEN', help: 'continue from a previous page' },
      all: { type: 'boolean', help: 'follow the cursor through every page' },
    },
  },
  {
    path: ['tasks', 'cancel'],
    summary: 'cancel a pending task',
    args: ['TASK'],
    minArgs: 1,
    maxArgs: 1,
    options: {},
  },
  {
    path: ['tasks', 'retry'],
    summary: 'retry a faulted or expired task',
    args: ['TASK'],
    minArgs: 1,
    maxArgs: 1,
    options: DEVICE_WAIT,
  },
  {
    path: ['profiles', 'apply'],
    summary: 'create or update a profile from a YAML/JSON file',
    args: [],
    minArgs: 0,
    maxArgs: 0,
    options: {
      file: { type: 'string', short: 'f', arg: 'FILE', help: 'the profile (YAML or JSON)' },
    },
    examples: ['acsctl profiles apply -f profiles/wifi-defaults.yaml'],
  },
  {
    path: ['profiles', 'get'],
    summary: 'show a profile',
    args: ['NAME'],
    minArgs: 1,
    maxArgs: 1,
    options: {},
  },
  {
    path: ['profiles', 'list'],
    summary: 'list profiles',
    args: [],
    minArgs: 0,
    maxArgs: 0,
    options: {},
  },
  {
    path: ['profiles', 'delete'],
    summary: 'delete a profile',
    args: ['NAME'],
    minArgs: 1,
    maxArgs: 1,
    options: {},
  },
  {
    path: ['profiles', 'dry-run'],
    summary: 'show which devices a profile would change, and with which RPCs',
    args: [],
    minArgs: 0,
    maxArgs: 0,
    options: {
      file: { type: 'string', short: 'f', arg: 'FILE', help: 'the profile (YAML or JSON)' },
      filter: { type: 'string', arg: 'EXPR', help: 'only devices matching this filter' },
      'max-devices': {
        type: 'string',
        arg: 'N',
        help: 'devices to examine at most (1..10000; 1000)',
      },
    },
  },
  {
    path: ['faults', 'list'],
    summary: 'list faults',
    args: [],
    minArgs: 0,
    maxArgs: 0,
    options: {
      device: { type: 'string', arg: 'DEVICE', help: 'only this device’s faults' },
      'page-size': { type: 'string', arg: 'N', help: 'faults per page (100)' },
      'page-token': { type: 'string', arg: 'TOKEN', help: 'continue from a previous page' },
      all: { type: 'boolean', help: 'follow the cursor through every page' },
    },
  },
  {
    path: ['faults', 'clear'],
    summary: 'clear a fault (the profile or task is tried again at the next session)',
    args: ['FAULT'],
    minArgs: 1,
    maxArgs: 1,
    options: {},
  },
  {
    path: ['faults', 'retry'],
    summary: 'retry a fault now',
    args: ['FAULT'],
    minArgs: 1,
    maxArgs: 1,
    options: { wake: DEVICE_WAIT['wake']! },
  },
  {
    path: ['actions', 'upload'],
    summary: 'have the device upload its configuration or log file (TR-069 Upload)',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: {
      url: { type: 'string', arg: 'URL', help: 'where the device PUTs the file (http/https)' },
      'file-type': {
        type: 'string',
        arg: 'TYPE',
        help: 'config | log | a TR-069 FileType ("3 Vendor Configuration File 2"); config',
      },
      username: { type: 'string', arg: 'USER', help: 'file server user name' },
      'password-file': {
        type: 'string',
        arg: 'FILE',
        help: 'file holding the file server password (not on the command line)',
      },
      delay: { type: 'string', arg: 'SECONDS', help: 'the device waits this long first (0)' },
      'command-key': { type: 'string', arg: 'KEY', help: 'echoed in TransferComplete (≤ 32)' },
      ...DEVICE_WAIT,
    },
    examples: [
      'acsctl actions upload DEV --url https://files.example.net/cfg/DEV.json --wait',
      'acsctl actions upload DEV --file-type log --url URL --username u --password-file pw.txt',
    ],
  },
  {
    path: ['actions', 'schedule-inform'],
    summary: 'have the device inform again after a delay (TR-069 ScheduleInform)',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: {
      delay: { type: 'string', arg: 'SECONDS', help: 'seconds until the Inform (required, ≥ 1)' },
      'command-key': { type: 'string', arg: 'KEY', help: 'echoed in M ScheduleInform (≤ 32)' },
      ...DEVICE_WAIT,
    },
    examples: ['acsctl actions schedule-inform DEV --delay 60 --wake'],
  },
  {
    path: ['wake'],
    summary: 'send a connection request to a device',
    args: ['DEVICE'],
    minArgs: 1,
    maxArgs: 1,
    options: {},
  },
];
