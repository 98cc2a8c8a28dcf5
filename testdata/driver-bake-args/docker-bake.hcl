# expect: CB004
# One-line and multi-line `args` (with trailing commas): the fix keeps each layout.
# `app` pins BRANCH to a tag: its bust needs no value, so only `worker` is told to pass it.
target "app" {
  dockerfile = "Dockerfile"
  args = { REPO = "https://github.com/acme/toolkit.git", BRANCH = "v1.2.0" }
}

target "worker" {
  args = {
    REPO = "https://github.com/acme/toolkit.git",
    BRANCH = "main",
  }
}
