import { artifactRepoContract } from "../../ports/artifact-repo.contract.js";
import { storeFactories } from "../../testing/test-stores.js";

for (const factory of storeFactories) artifactRepoContract(factory.name, factory.open);
