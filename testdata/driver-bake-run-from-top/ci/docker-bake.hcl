// Run as `docker buildx bake -f ci/docker-bake.hcl` from the top of the repository.
target "app" {
  context    = "."
  dockerfile = "app.Dockerfile"
}
