# expect: CB008
variable "CACHE_BUST" {
  default = timestamp()
}

target "default" {
  args = {
    REPO       = "https://github.com/acme/toolkit.git"
    BRANCH     = "main"
    CACHE_BUST = "${CACHE_BUST}"
  }
}
