#!/bin/bash
set -eu
name=$1
shift
git clone --depth 1 -b "${2:-develop}" "$1" "/opt/$name"
