#!/usr/bin/env bash
# Print a command that runs Python 3.10 (Rasa 3.6 needs it): python3.10 on PATH, else pyenv.
set -u
if python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
  echo "python3.10"
  exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    if PYENV_VERSION="$version" python3.10 -c 'import sys' >/dev/null 2>&1; then
      echo "env PYENV_VERSION=$version python3.10"
      exit 0
    fi
  done
fi
echo "Python 3.10 not found: Rasa 3.6 needs it. Install python3.10 (or 'pyenv install 3.10.13') and retry." >&2
exit 1
