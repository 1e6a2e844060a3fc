// The question kinds of the pages: one module each, mapped by name. An unknown kind is an
// error, never a guess (the server's registry is server/kinds/__init__.py).
import * as grid2x2 from "./grid_2x2.js";
import * as multipleChoice from "./multiple_choice.js";
import * as nps from "./nps.js";
import * as openText from "./open_text.js";
import * as points from "./points.js";
import * as qa from "./qa.js";
import * as ranking from "./ranking.js";
import * as scale from "./scale.js";
import * as singleChoice from "./single_choice.js";
import * as wordCloud from "./word_cloud.js";

const KINDS = {
  single_choice: singleChoice,
  multiple_choice: multipleChoice,
  scale,
  open_text: openText,
  nps,
  ranking,
  points,
  grid_2x2: grid2x2,
  word_cloud: wordCloud,
  qa,
};

export function kindOf(name) {
  const kind = KINDS[name];
  if (!kind) throw new Error(`unknown question kind: ${name}`);
  return kind;
}
