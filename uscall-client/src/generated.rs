// placeholder until codegen lands
use crate::meta::OperationInfo;
/// Every operation of the WSDL, in WSDL order.
pub static OPERATIONS: &[&OperationInfo] = &[];
