/**
 * netgroovy as a CNI plugin ({@code netgroovy-cni}): a container runtime (podman, containerd,
 * CRI-O, Kubernetes through Multus) calls it with the CNI contract (environment, network
 * configuration on stdin, result JSON on stdout) and it wires the container with a netgroovy
 * recipe, the same one the REPL and scripts use. Owns: the contract ({@link netgroovy.cni.CniPlugin},
 * {@link netgroovy.cni.Invocation}, {@link netgroovy.cni.NetConf}, {@link netgroovy.cni.CniException}),
 * the attachments it made and the addresses it handed out ({@link netgroovy.cni.AttachmentStore}),
 * delegated IPAM ({@link netgroovy.cni.DelegatedIpam}), and the files a runtime or Kubernetes
 * needs ({@link netgroovy.cni.CniCommands}).
 */
package netgroovy.cni;
