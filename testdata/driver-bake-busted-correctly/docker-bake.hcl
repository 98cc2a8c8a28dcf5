# expect: none
# `cachebust exec -- docker buildx bake` sets CACHE_BUST in the environment; the variable reads it.
variable "CACHE_BUST" {
  default = "unknown"
}

target "default" {
  args = {
    REPO       = "https://github.com/acme/toolkit.git"
    BRANCH     = "main"
    CACHE_BUST = "${CACHE_BUST}"
  }
}
