# expect: none
# Bake fetches a git context on every build, Dockerfile included: nothing here to check.
target "upstream" {
  context = "https://github.com/acme/toolkit.git#main"
  dockerfile = "docker/Dockerfile"
}
