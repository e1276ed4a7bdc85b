"""Write a blank Danish spaCy pipeline with lookup lemmas to the given folder (Rasa venv)."""

import sys

import spacy


def main(target: str) -> None:
    """Build and save the pipeline."""
    nlp = spacy.blank("da")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.to_disk(target)


if __name__ == "__main__":
    main(sys.argv[1])
