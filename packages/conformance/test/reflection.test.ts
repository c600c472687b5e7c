import { forEachDriver } from "@athanor/conformance";
import { defineReflectionTests } from "./reflection-suite.ts";

forEachDriver((target) => {
  defineReflectionTests(() => target.engine());
});
