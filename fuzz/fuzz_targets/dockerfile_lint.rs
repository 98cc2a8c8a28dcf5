#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cachebust_fuzz::dockerfile_lint(data));
