#!/bin/sh
. /loop.sh
git clone -b develop https://github.com/acme/other.git /src/other
