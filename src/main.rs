fn main() -> std::process::ExitCode {
    cachebust::cli::main()
}
