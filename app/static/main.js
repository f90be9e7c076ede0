// Starts GOV.UK Frontend's components (error summary focus, radios, skip link...).
import { initAll } from "./vendor/govuk-frontend.min.js";

initAll();
