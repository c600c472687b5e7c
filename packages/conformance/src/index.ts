export { type DriverName, type DriverTarget, driversOf, forEachDriver } from "./drivers.ts";
