import { forEachDriver } from "@athanor/conformance";
import { defineInspectorTests } from "./inspector-suite.ts";

forEachDriver((target) => {
  defineInspectorTests(() => target.engine());
});
