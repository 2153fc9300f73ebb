import { queueRepoContract } from "../../ports/queue-repo.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) queueRepoContract(factory.name, factory.open);
