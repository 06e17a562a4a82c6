import { InMemoryBindingStore } from './binding-store.memory';
import { describeBindingStoreContract } from '../testing/binding-store.contract';

describeBindingStoreContract('in-memory', () => Promise.resolve(new InMemoryBindingStore()));
