import * as wn from "wasmnn";
import { serve } from "./xor.js";

serve(wn);
