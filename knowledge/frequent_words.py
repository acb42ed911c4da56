"""Print knowledge/nl-frequente-woorden.txt: frequent Dutch words that are no place name.

Needs wordfreq (pip install wordfreq==3.1.1), which only this generator uses; places.py reads the
file. Run: python -m knowledge.frequent_words > knowledge/nl-frequente-woorden.txt
"""

from wordfreq import top_n_list

from knowledge.places import _lookup_exact, normalise

HEADER = """\
# Frequent Dutch words (wordfreq 3.1.1, top 20,000 for "nl", normalised) that are
# not a gemeente or woonplaats name. knowledge/places.py never typo-matches such a word to a place
# ("bij de gemeente zeggen ze" is not Zegge). Regenerate with: pip install wordfreq==3.1.1, then
# python -m knowledge.frequent_words > knowledge/nl-frequente-woorden.txt"""


def main() -> None:
    words = {normalise(w) for w in top_n_list("nl", 20000)}
    keep = sorted(w for w in words if w.isalpha() and _lookup_exact(w) is None)
    print(HEADER)
    print("\n".join(keep))


if __name__ == "__main__":
    main()
