import { logRepoContract } from "../../ports/log-repo.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) logRepoContract(factory.name, factory.open);
