import { storeContract } from "../../ports/store.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) storeContract(factory.name, factory.open);
