variable "application" {
  description = "One normalised application spec from the stack-spec module's output."
  type        = any
}
