import { sweepRepoContract } from "../../ports/sweep-repo.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) sweepRepoContract(factory.name, factory.open);
