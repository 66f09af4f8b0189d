/**
 * Views of the live system in the shapes people already read: {@code ip -br link},
 * {@code ip -br addr}, {@code ip route}, {@code brctl show}, {@code ip netns list}, and the
 * whole topology as a tree.
 */
package netgroovy.render;
