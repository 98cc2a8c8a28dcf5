#!/bin/sh
mkdir -p "/src/$1" && cd "/src/$1"
git init
git remote add origin "$2"
git fetch origin "$3" --depth=1
git reset --hard "$3"
