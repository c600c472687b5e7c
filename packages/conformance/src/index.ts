export {
  type DriverName,
  type DriverTarget,
  driversOf,
  forEachDriver,
  forEachServerDriver,
} from "./drivers.ts";
