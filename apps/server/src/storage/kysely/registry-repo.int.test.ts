import { registryRepoContract } from "../../ports/registry-repo.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) registryRepoContract(factory.name, factory.open);
