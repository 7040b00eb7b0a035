//! The `peering` and `peering-routes` layers: the primary's peering connection to each
//! secondary with its routes, and each secondary's routes back.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::Environment;
use crate::naming::{regional_id, short_code};
use crate::plan::kinds::*;

pub(super) fn peering(env: &Environment) -> Vec<Stack> {
    let mut stacks = Vec::new();
    let primary = env.primary();
    let to_primary = primary.cidr.map(|c| V::s(c.to_string()));
    let mut p = stack(
        env,
        Layer::Peering,
        &primary.code,
        format!(
            "{} {}: VPC peering to each secondary, and the primary's routes",
            env.name, primary.code
        ),
    );
    p.parameters = from_network(env, primary, vec![Out::VpcId, Out::PrivateRouteTableIds]);
    for sec in env.secondaries() {
        let short = short_code(&sec.code);
        let net = stack_name(env, Layer::Network, &sec.code);
        let peer_param = format!("PeerVpcId{}", pascal(&short));
        p.parameters.push(param(&peer_param, &net, Out::VpcId));
        let conn = format!("peering_{short}");
        let conn_name = format!("{}-to-{short}", regional_id(env, "vpc", &primary.code));
        p.resources.push(res(
            &conn,
            Kind::PeeringConnection(PeeringConnection {
                vpc: V::p("VpcId"),
                peer_vpc: V::p(&peer_param),
                peer_region: sec.code.clone(),
                name: conn_name.clone(),
                accepter: Some(format!("peering_accepter_{short}")),
            }),
        ));
        p.resources.push(only(
            Backends::TerraformOnly,
            res(
                &format!("peering_accepter_{short}"),
                Kind::PeeringAccepter(PeeringAccepter {
                    connection: V::r(&conn),
                    peer_region: sec.code.clone(),
                    name: conn_name.clone(),
                }),
            ),
        ));
        // Routes need the peer's CIDR; without one (reported elsewhere) there are none.
        let to_secondary = sec.cidr.map(|c| V::s(c.to_string()));
        for (i, l) in letters(primary).iter().enumerate() {
            let Some(destination) = to_secondary.clone() else { break };
            p.resources.push(res(
                &format!("route_{l}_to_{short}"),
                Kind::Route(Route {
                    table: V::Select(i as u32, Box::new(V::p("PrivateRouteTableIds"))),
                    destination,
                    target: RouteTarget::Peering(V::r(&conn)),
                }),
            ));
        }
        p.outputs.push(out(
            Out::PeeringConnectionId(pascal(&short)),
            V::r(&conn),
            &format!("Peering connection to {}", sec.code),
        ));
    }
    let peering_name = p.name.clone();
    stacks.push(p);
    for sec in env.secondaries() {
        let short = short_code(&sec.code);
        let mut s = stack(
            env,
            Layer::PeeringRoutes,
            &sec.code,
            format!(
                "{} {}: routes back to the primary over the peering connection",
                env.name, sec.code
            ),
        );
        s.parameters = from_network(env, sec, vec![Out::PrivateRouteTableIds]);
        s.parameters.push(param(
            "PeeringConnectionId",
            &peering_name,
            Out::PeeringConnectionId(pascal(&short)),
        ));
        for (i, l) in letters(sec).iter().enumerate() {
            let Some(destination) = to_primary.clone() else { break };
            s.resources.push(res(
                &format!("route_{l}_to_primary"),
                Kind::Route(Route {
                    table: V::Select(i as u32, Box::new(V::p("PrivateRouteTableIds"))),
                    destination,
                    target: RouteTarget::Peering(V::p("PeeringConnectionId")),
                }),
            ));
        }
        stacks.push(s);
    }
    stacks
}
