//! [`crate::model::Api`] to tokens: the imports, the operation list, then one block per operation.

mod client;
mod statics;
pub(crate) mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Answer, Api, Operation};

/// Where the generated file lives, which decides how it names the runtime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Target {
    /// Inside `uscall-client` (its `generated.rs`): the runtime is `crate`, `Raw` is the
    /// client's own.
    #[default]
    InCrate,
    /// Any other crate that depends on `uscall-client`: the runtime is `::uscall_client`, and
    /// the file defines its own `Raw` (`Raw::new(&client)`).
    External,
}

/// The whole generated file, without its header: [`prelude`], then every [`operation`].
pub fn file(api: &Api) -> TokenStream {
    file_for(api, Target::InCrate)
}

/// [`file`] for a [`Target`].
pub fn file_for(api: &Api, target: Target) -> TokenStream {
    let prelude = prelude_for(api, target);
    let operations = api.operations.iter().map(operation);
    quote!(#prelude #(#operations)*)
}

/// The static, the `Raw` method and the request type of one operation.
pub fn operation(op: &Operation) -> TokenStream {
    let info = statics::operation(op);
    let client = client::operation(op);
    quote!(#info #client)
}

/// The imports, the `OPERATIONS` list and the schema types, for `uscall-client` itself.
pub fn prelude(api: &Api) -> TokenStream {
    prelude_for(api, Target::InCrate)
}

/// [`prelude`] for a [`Target`].
pub fn prelude_for(api: &Api, target: Target) -> TokenStream {
    let has_ops = !api.operations.is_empty();
    let has_params = api.operations.iter().any(|op| !op.params.is_empty());
    let raw: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|op| op.raw.is_some())
        .collect();
    // Import only what is used, so a tiny WSDL does not trip `unused_imports`.
    let mut meta = vec![quote!(OperationInfo)];
    if has_params {
        meta.push(quote!(ParamInfo));
    }
    if !raw.is_empty() {
        meta.push(quote!(RawOperation));
    }
    if has_ops {
        meta.extend([quote!(SoapVersion), quote!(Style), quote!(Use)]);
    }
    if has_params {
        meta.push(quote!(XsdKind));
    }
    let has_outputs = api.operations.iter().any(|op| !op.outputs.is_empty());
    if has_params || has_outputs {
        meta.extend([quote!(Ty), quote!(Builtin)]);
    }
    if has_outputs {
        meta.extend([quote!(FieldInfo), quote!(FieldForm), quote!(Occurs)]);
    }
    let texts = api
        .operations
        .iter()
        .any(|op| client::sends_texts(op) && op.params.iter().any(|p| !p.token));
    let xsd = texts.then(|| {
        quote!(
            use rt::xsd::ToXsd;
        )
    });
    let mut runtime_items = vec![quote!(Client)];
    if target == Target::InCrate {
        runtime_items.push(quote!(Raw));
    }
    if api.operations.iter().any(|op| op.answer == Answer::Json) {
        runtime_items.push(quote!(Response));
    }
    runtime_items.push(quote!(Result));
    if !raw.is_empty() {
        runtime_items.push(quote!(XmlAnswer));
    }
    let root = match target {
        Target::InCrate => quote!(
            use crate as rt;
        ),
        Target::External => quote!(
            use ::uscall_client as rt;
        ),
    };
    let runtime = has_ops.then(|| {
        quote!(
            use rt::{#(#runtime_items),*};
        )
    });
    let own_raw = (target == Target::External && has_ops).then(|| {
        quote! {
            #[doc = " The WSDL's operations as methods on a client: `Raw::new(&client).operation(...)`."]
            #[derive(Debug, Clone, Copy)]
            pub struct Raw<'a> {
                client: &'a Client,
            }

            impl<'a> Raw<'a> {
                #[doc = " The operations, called through `client`."]
                pub fn new(client: &'a Client) -> Self {
                    Raw { client }
                }
            }
        }
    });
    let raw_table = (!raw.is_empty()).then(|| {
        let entries = raw.iter().filter_map(|op| {
            let raw = op.raw.as_ref()?;
            let (name, reason, one_way) = (&op.xml_name, &raw.reason, raw.one_way);
            Some(quote!(RawOperation { name: #name, reason: #reason, one_way: #one_way }))
        });
        match target {
            Target::InCrate => quote! {
                impl crate::meta::RawOperations {
                    #[doc = " The operations generated as raw methods, and why."]
                    pub const ALL: &'static [RawOperation] = &[#(#entries),*];
                }
            },
            Target::External => quote! {
                #[doc = " The operations generated as raw methods, and why."]
                pub static RAW_OPERATIONS: &[RawOperation] = &[#(#entries),*];
            },
        }
    });
    let all = api.operations.iter().map(|op| {
        let name = crate::names::ident(&op.static_name);
        quote!(&#name)
    });
    let meta_import = quote!(use rt::meta::{#(#meta),*};);
    let schema = types::module(&api.types);
    quote! {
        #root
        #meta_import
        #xsd
        #runtime

        #[doc = " Every operation of the WSDL, in WSDL order."]
        pub static OPERATIONS: &[&OperationInfo] = &[#(#all),*];
        #raw_table
        #own_raw
        #schema
    }
}

/// `#[doc = " line"]` attributes, one per line, with `/// Text` spacing once rendered.
fn doc<I, S>(lines: I) -> TokenStream
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let attrs = lines.into_iter().map(|line| {
        let line = line.as_ref();
        // A fence in vendor text would start a doctest; escape it so rustdoc shows it as text.
        let line = if line.starts_with("```") || line.starts_with("~~~") {
            format!(" \\{line}")
        } else if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}
