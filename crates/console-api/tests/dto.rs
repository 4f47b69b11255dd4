//! Every operation's request and response is reachable under `console_api::dto`, the one path
//! the desktop shell's commands name them by (a type left out breaks only the desktop build,
//! which `cargo test` at the root does not compile).
#![allow(clippy::unwrap_used)]

macro_rules! every_type_is_in_dto {
    ($($svc:ident $area:ident $name:ident $method:ident $req:ident $resp:ident $access:ident;)*) => {
        #[test]
        fn every_request_and_response_is_in_dto() {
            let names = [$(
                (
                    std::any::type_name::<console_api::dto::$req>(),
                    std::any::type_name::<console_api::dto::$resp>(),
                ),
            )*];
            assert_eq!(names.len(), console_api::ops::OPERATIONS.len());
        }
    };
}

console_api::for_each_operation!(every_type_is_in_dto);
