# expect: CB000
target "app" {
  args = {
    BRANCH = "main"
}
