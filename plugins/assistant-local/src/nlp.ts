/**
 * The English model of wink-nlp, loaded once on first use (about 150 ms and 4 MB; the data ships
 * inside wink-eng-lite-web-model, nothing is downloaded). Used for sentence splitting, named
 * entities (dates, money, emails, URLs) and a sentiment score.
 */

import model from "wink-eng-lite-web-model";
import winkNLP from "wink-nlp";

type Nlp = ReturnType<typeof winkNLP>;
let nlp: Nlp | undefined;

/** The shared wink-nlp instance. */
export function english(): Nlp {
  nlp ??= winkNLP(model);
  return nlp;
}
