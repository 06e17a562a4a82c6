import { randomUUID } from 'node:crypto';
import type { Task, TaskOperation } from '@acs/domain';
import { DomainError, parseTask } from '@acs/domain';
import type { DocumentRepository } from '@acs/store';
import { StoreError, StoreErrorCode } from '@acs/store';
import type { AuditDocument } from './device.document';
import type { Clock } from './provisioning.ports';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import type { TaskDocument, TaskState } from './provisioning.repositories';

/** A task as the API shows it. */
export interface TaskView {
  readonly id: string;
  readonly deviceId: string;
  readonly status: TaskState;
  readonly operation: TaskOperation;
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly result?: Readonly<Record<string, unknown>>;
  readonly fault?: { readonly code: number; readonly message: string; readonly target: string };
}

export interface CreateTaskInput {
  readonly deviceId: string;
  readonly operation: unknown;
  /** Default: a random id. Reusing an id is refused. */
  readonly id?: string;
  /** Epoch ms after which the task is not run (status `expired`). */
  readonly expiresAt?: number;
  /** Alternative to expiresAt: ms from now. */
  readonly ttlMs?: number;
}

/** Source of task ids, injectable for tests. */
export interface IdSource {
  next(): string;
}

export const randomIds: IdSource = { next: () => randomUUID().replace(/-/g, '') };

export function taskOf(d: TaskDocument): Task {
  return {
    id: d._id,
    deviceId: d.deviceId,
    createdAt: d.createdAt,
    ...(d.expiresAt === undefined ? {} : { expiresAt: d.expiresAt }),
    operation: JSON.parse(d.operation) as TaskOperation,
  };
}

export function viewOf(d: TaskDocument): TaskView {
  return {
    id: d._id,
    deviceId: d.deviceId,
    status: d.status,
    operation: JSON.parse(d.operation) as TaskOperation,
    createdAt: d.createdAt,
    ...(d.expiresAt === undefined ? {} : { expiresAt: d.expiresAt }),
    createdBy: d.createdBy,
    updatedAt: d.updatedAt,
    ...(d.result === undefined ? {} : { result: d.result }),
    ...(d.fault === undefined ? {} : { fault: d.fault }),
  };
}

/**
 * Tasks API (issue 5, point 6): one-off operations queued for one device and carried out by the
 * provisioning service in the device's next session, unless they expire first. For the gRPC API
 * to expose; it only touches the store (the device picks tasks up at its next Inform).
 */
export class TaskService {
  constructor(
    private readonly tasks: DocumentRepository<TaskDocument>,
    private readonly audit: DocumentRepository<AuditDocument>,
    private readonly clock: Clock,
    private readonly ids: IdSource = randomIds,
  ) {}

  async create(input: CreateTaskInput, actor: string): Promise<TaskView> {
    const now = this.clock.now();
    const expiresAt =
      input.expiresAt ?? (input.ttlMs === undefined ? undefined : now + input.ttlMs);
    let task: Task;
    try {
      task = parseTask({
        id: input.id ?? this.ids.next(),
        deviceId: input.deviceId,
        createdAt: now,
        ...(expiresAt === undefined ? {} : { expiresAt }),
        operation: input.operation,
      });
    } catch (e) {
      if (e instanceof DomainError)
        throw new ProvisioningError(ProvisioningErrorCode.InvalidTask, e.message, e.issues);
      throw e;
    }
    const doc: TaskDocument = {
      _id: task.id,
      deviceId: task.deviceId,
      status: 'pending',
      kind: task.operation.kind,
      operation: JSON.stringify(task.operation),
      createdAt: now,
      ...(task.expiresAt === undefined ? {} : { expiresAt: task.expiresAt }),
      createdBy: actor,
      updatedAt: now,
    };
    try {
      await this.tasks.insert(doc);
    } catch (e) {
      if (StoreError.is(e, StoreErrorCode.DuplicateKey))
        throw new ProvisioningError(ProvisioningErrorCode.InvalidTask, `task ${task.id} exists`);
      throw e;
    }
    await this.record(task.deviceId, `task:${task.id}`, actor, 'task.created', now, {
      taskId: task.id,
      kind: task.operation.kind,
    });
    return viewOf({ ...doc });
  }

  /** The device's tasks, newest first (optionally only one status). */
  async list(deviceId: string, status?: TaskState, limit = 100): Promise<TaskView[]> {
    const page = await this.tasks.find(status === undefined ? { deviceId } : { deviceId, status }, {
      sort: { createdAt: -1 },
      limit,
    });
    return page.items.map(viewOf);
  }

  async get(deviceId: string, taskId: string): Promise<TaskView> {
    const d = await this.tasks.findById(taskId);
    if (d === undefined || d.deviceId !== deviceId)
      throw new ProvisioningError(
        ProvisioningErrorCode.TaskNotFound,
        `no task ${taskId} for ${deviceId}`,
      );
    return viewOf(d);
  }

  /** Cancels a pending task; a task already done, faulted or expired is refused. */
  async cancel(deviceId: string, taskId: string, actor: string): Promise<TaskView> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = await this.tasks.findById(taskId);
      if (d === undefined || d.deviceId !== deviceId)
        throw new ProvisioningError(
          ProvisioningErrorCode.TaskNotFound,
          `no task ${taskId} for ${deviceId}`,
        );
      if (d.status === 'cancelled') return viewOf(d);
      if (d.status !== 'pending')
        throw new ProvisioningError(
          ProvisioningErrorCode.TaskNotPending,
          `task ${taskId} is ${d.status}`,
        );
      const now = this.clock.now();
      try {
        const u = await this.tasks.update(taskId, d._version, {
          $set: { status: 'cancelled', updatedAt: now },
        });
        await this.record(deviceId, `task:${taskId}:cancel`, actor, 'task.cancelled', now, {
          taskId,
        });
        return viewOf(u);
      } catch (e) {
        if (!StoreError.is(e, StoreErrorCode.VersionConflict)) throw e;
      }
    }
    throw new ProvisioningError(ProvisioningErrorCode.Contention, `task ${taskId} kept changing`);
  }

  private async record(
    deviceId: string,
    cause: string,
    actor: string,
    action: AuditDocument['action'],
    at: number,
    details: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.audit.insert({
        _id: `${cause}#${action}`,
        deviceId,
        at,
        actor,
        action,
        cause,
        details,
      });
    } catch (e) {
      if (!StoreError.is(e, StoreErrorCode.DuplicateKey)) throw e;
    }
  }
}
