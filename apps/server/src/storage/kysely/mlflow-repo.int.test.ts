import { mlflowRepoContract } from "../../ports/mlflow-repo.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) mlflowRepoContract(factory.name, factory.open);
