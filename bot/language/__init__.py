"""Language: text normalisation, sentences, names, entities, the lexical analyser, subject terms."""
