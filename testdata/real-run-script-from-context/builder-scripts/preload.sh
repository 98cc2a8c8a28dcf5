#!/bin/bash
set -euo pipefail
shallow() {
    git clone --depth=1 --no-tags "$@"
}
git clone https://github.com/acme/studio.git /bundle/studio
cd /bundle/studio/custom_nodes
shallow https://github.com/acme/studio-manager.git
