# expect: CB004
# The base target sets what every image shares; `api` never passes CACHE_BUST.
variable "BRANCH" {
  default = "main"
}

group "default" {
  targets = ["api"]
}

target "_common" {
  context = "."
  args = {
    REPO   = "https://github.com/acme/toolkit.git"
    BRANCH = "${BRANCH}"
  }
}

target "api" {
  inherits = ["_common"]
  tags     = ["acme/api:latest"]
}
