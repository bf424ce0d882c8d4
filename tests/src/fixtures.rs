//! Every golden of the code generator (`uscall-codegen/tests/fixtures/*.rs`), compiled against the
//! client runtime the way an application crate compiles the file `regen` writes for it.

#[path = "../../uscall-codegen/tests/fixtures/default_namespace.rs"]
#[rustfmt::skip]
pub mod default_namespace;
#[path = "../../uscall-codegen/tests/fixtures/document_literal.rs"]
#[rustfmt::skip]
pub mod document_literal;
#[path = "../../uscall-codegen/tests/fixtures/element_parts.rs"]
#[rustfmt::skip]
pub mod element_parts;
#[path = "../../uscall-codegen/tests/fixtures/encoded_structs.rs"]
#[rustfmt::skip]
pub mod encoded_structs;
#[path = "../../uscall-codegen/tests/fixtures/latin1_declared_utf8.rs"]
#[rustfmt::skip]
pub mod latin1_declared_utf8;
#[path = "../../uscall-codegen/tests/fixtures/literal_bare.rs"]
#[rustfmt::skip]
pub mod literal_bare;
#[path = "../../uscall-codegen/tests/fixtures/literal_types.rs"]
#[rustfmt::skip]
pub mod literal_types;
#[path = "../../uscall-codegen/tests/fixtures/names.rs"]
#[rustfmt::skip]
pub mod names;
#[path = "../../uscall-codegen/tests/fixtures/no_input_parts.rs"]
#[rustfmt::skip]
pub mod no_input_parts;
#[path = "../../uscall-codegen/tests/fixtures/nusoap_rpc_encoded.rs"]
#[rustfmt::skip]
pub mod nusoap_rpc_encoded;
#[path = "../../uscall-codegen/tests/fixtures/one_way.rs"]
#[rustfmt::skip]
pub mod one_way;
#[path = "../../uscall-codegen/tests/fixtures/raw_complex_part.rs"]
#[rustfmt::skip]
pub mod raw_complex_part;
#[path = "../../uscall-codegen/tests/fixtures/required_parts.rs"]
#[rustfmt::skip]
pub mod required_parts;
#[path = "../../uscall-codegen/tests/fixtures/rpc_literal.rs"]
#[rustfmt::skip]
pub mod rpc_literal;
#[path = "../../uscall-codegen/tests/fixtures/several_outputs.rs"]
#[rustfmt::skip]
pub mod several_outputs;
#[path = "../../uscall-codegen/tests/fixtures/several_services.rs"]
#[rustfmt::skip]
pub mod several_services;
#[path = "../../uscall-codegen/tests/fixtures/soap11_and_12.rs"]
#[rustfmt::skip]
pub mod soap11_and_12;
#[path = "../../uscall-codegen/tests/fixtures/soap12_only.rs"]
#[rustfmt::skip]
pub mod soap12_only;
#[path = "../../uscall-codegen/tests/fixtures/soap_enc_arrays.rs"]
#[rustfmt::skip]
pub mod soap_enc_arrays;
#[path = "../../uscall-codegen/tests/fixtures/solicit_response.rs"]
#[rustfmt::skip]
pub mod solicit_response;
#[path = "../../uscall-codegen/tests/fixtures/token_case.rs"]
#[rustfmt::skip]
pub mod token_case;
#[path = "../../uscall-codegen/tests/fixtures/typed_parts.rs"]
#[rustfmt::skip]
pub mod typed_parts;
#[path = "../../uscall-codegen/tests/fixtures/unusual_prefixes.rs"]
#[rustfmt::skip]
pub mod unusual_prefixes;
#[path = "../../uscall-codegen/tests/fixtures/utf8_bom.rs"]
#[rustfmt::skip]
pub mod utf8_bom;
#[path = "../../uscall-codegen/tests/fixtures/xsd_odds.rs"]
#[rustfmt::skip]
pub mod xsd_odds;
