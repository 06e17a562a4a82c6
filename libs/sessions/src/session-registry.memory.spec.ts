import { InMemorySessionRegistry } from './session-registry.memory';
import { describeSessionRegistryContract } from './testing/session-registry.contract';

describeSessionRegistryContract('in-process', async () => new InMemorySessionRegistry());
