fn main() -> std::process::ExitCode {
    cachebust::cli::main()
}

/// Linting allocates a small string per shell word and per expansion on every core; mimalloc's
/// per-thread heaps make that markedly cheaper than glibc's arenas (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
