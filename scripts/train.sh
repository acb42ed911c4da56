#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed. The model's name is a hash of
# everything that goes into it, so an unchanged bot reuses models/<name>.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."

inputs=(config.yml bot/domain bot/data bot/nlp bot/lexicons knowledge/places.py knowledge/gemeenten-arbeidsmarktregio.csv knowledge/woonplaatsen-gemeente.csv requirements/rasa.lock)
existing=()
for path in "${inputs[@]}"; do [ -e "$path" ] && existing+=("$path"); done
hash=$(find "${existing[@]}" -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
name="elkedeur-$hash"
export PYTHONPATH=$PWD SQLALCHEMY_SILENCE_UBER_WARNING=1
# One training at a time (make run and make test started together): the second waits and reuses the model.
mkdir -p var models
exec 9>var/.train-lock
flock 9

# The Dutch spaCy pipeline (blank "nl" + gazetteer entity ruler) is built from the same inputs.
spacy_dir=var/spacy-nl
if [ -d bot/nlp ] && [ "$(cat "$spacy_dir/.built-from" 2>/dev/null)" != "$hash" ]; then
  echo "==> building the Dutch spaCy pipeline in $spacy_dir"
  # Build beside the old one and swap, so a running Rasa never sees a half-written pipeline.
  .venvs/rasa/bin/python -m bot.nlp.build_spacy_model --out "$spacy_dir.new"
  echo "$hash" > "$spacy_dir.new/.built-from"
  rm -rf "$spacy_dir.old"; [ -d "$spacy_dir" ] && mv "$spacy_dir" "$spacy_dir.old"
  mv "$spacy_dir.new" "$spacy_dir" && rm -rf "$spacy_dir.old"
fi

if [ -f "models/$name.tar.gz" ]; then
  echo "$name.tar.gz" > models/CURRENT
  exit 0
fi

echo "==> training the Rasa model ($name)"
start=$(date +%s)
.venvs/rasa/bin/rasa train --config config.yml --domain bot/domain --data bot/data \
  --out models --fixed-model-name "$name" --quiet
echo "$name.tar.gz" > models/CURRENT
echo "==> rasa train took $(( $(date +%s) - start )) s"
# Keep the three newest models; older ones only fill the disk.
ls -1t models/elkedeur-*.tar.gz | tail -n +4 | xargs -r rm -f
