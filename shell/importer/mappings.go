package importer

// Mappings is the table of every conversion, for pacer(8): kept here,
// next to the code it describes.
const Mappings = `"pacer import heartbeat" and "pacer import cman" convert these; anything else in the input is listed on standard error as "not converted", approximations as "approximated".

Heartbeat haresources (one line: NODE RESOURCE[::ARG...]..., "\" continues a line):
  line                         group group_FIRST (in line order), location 100 on NODE
  10.0.0.1[/BITS[/IF[/BCAST]]] ocf:heartbeat:IPaddr ip cidr_netmask nic broadcast
  IPaddr::IP/BITS/IF[:LABEL]/BC ocf:heartbeat:IPaddr (as above, iflabel; dotted mask ok)
  IPaddr2::same                ocf:heartbeat:IPaddr2 (same parameters)
  Filesystem::DEV::DIR::FS::OPT ocf:heartbeat:Filesystem device directory fstype options
  drbddisk::RES                promotable clone ms_drbd_RES of ocf:linbit:drbd
                               drbd_resource=RES; group colocated with its Promoted
                               role and ordered after its promote
  MailTo::ADDR::SUBJECT        ocf:heartbeat:MailTo email subject
  IPsrcaddr::IP/BITS           ocf:heartbeat:IPsrcaddr ipaddress cidr_netmask
  IPv6addr::IP/BITS/IF         ocf:heartbeat:IPv6addr ipv6addr cidr_netmask nic
  SendArp::IP/IF               ocf:heartbeat:SendArp ip nic
  Delay::START::STOP           ocf:heartbeat:Delay startdelay stopdelay
  apache::CONFIG               ocf:heartbeat:apache configfile
  LVM::VG                      ocf:heartbeat:LVM-activate vgname, vg_access_mode=tagging
  Raid1::CONF::DEV             ocf:heartbeat:Raid1 raidconf raiddev
  Xinetd::SVC                  ocf:heartbeat:Xinetd service
  portblock::PROTO::PORTS::ACT ocf:heartbeat:portblock protocol portno action
  ICP, LinuxSCSI, WAS, WinPopup, db2, ServeRAID, AudibleAlarm: their OCF agents
  SCRIPT (no arguments)        lsb:SCRIPT (must be in /etc/init.d)
  SCRIPT::ARG...               not converted (no class passes arguments)

Heartbeat ha.cf and authkeys:
  node                         CIB nodes, pacer.conf [[node]]; 2 nodes: two_node
  auto_failback on|legacy      rsc_defaults resource-stickiness=0
  auto_failback off            resource-stickiness=200 (nice_failback on: same)
  keepalive, deadtime          [membership] probe_interval, suspicion_mult
  stonith_host FROM TYPE ...   fence_ipmilan (external/ipmi, ipmilan), fence_apc
                               (apcmaster), fence_apc_snmp, fence_wti; FROM other
                               than * keeps the device on FROM
  ping, ping_group + ipfail    clone of ocf:pacemaker:ping, locations by pingd
  crm on, respawn, warntime, initdead, bcast/mcast/ucast/serial, udpport,
  logging, apiauth, watchdog   reported
  authkeys                     checked; the secret is not reused (pacer cluster keygen)
  no stonith_host              stonith-enabled=false, reported

CMAN cluster.conf:
  cluster name                 property cluster-name, pacer.conf cluster_name
  clusternode name, nodeid     CIB node, pacer.conf [[node]] name, id
  cman two_node=1              pacer.conf two_node = true
  cman expected_votes, votes   checked against one vote per node, else reported
  totem token                  [membership] probe_interval, suspicion_mult
  quorumd, fence_daemon, logging, dlm, altname: reported
  fencedevice + device uses    stonith:AGENT with the device's attributes; per-node
                               port/plug to pcmk_host_map, else pcmk_host_list; uses
                               with other per-node attributes: one device per node
  fence method N               fencing-topology level N (devices of the method)
  off..off,on..on in a method  one level (a reboot turns all off, then all on)
  action=off (no on)           pcmk_reboot_action=off
  unfence                      meta provides=unfencing
  unused fencedevice           reported, not converted
  no fencedevice               stonith-enabled=false, reported

rgmanager <rm>:
  service NAME                 group NAME of its resources in start order: lvm, fs,
                               clusterfs, netfs, nfsexport, nfsclient, ip, smb,
                               script, then untyped ones; document order within a
                               type; a child right after its parent (fs: fs and
                               clusterfs, then nfsexport; nfsexport: nfsclient)
  ref="X"                      the global resource X (attributes given with the
                               ref override); used by several services: one copy each
  ip                           ocf:heartbeat:IPaddr2 ip cidr_netmask nic
  fs, clusterfs                ocf:heartbeat:Filesystem device directory fstype
                               options force_unmount run_fsck (clusterfs: gfs2)
  netfs                        ocf:heartbeat:Filesystem device=HOST:EXPORT, nfs
  lvm                          ocf:heartbeat:LVM-activate vgname lvname tagging
  nfsexport                    no resource; its nfsclients are exported
  nfsclient                    ocf:heartbeat:exportfs clientspec options directory
                               fsid (from the file system above)
  nfsserver                    ocf:heartbeat:nfsserver nfs_shared_infodir
  script                       lsb:BASENAME
  mysql                        ocf:heartbeat:mysql config additional_parameters
  postgres-8                   ocf:heartbeat:pgsql config pgdba start_opt pgdata
  apache                       ocf:heartbeat:apache configfile options
  samba, smb                   systemd:smbd
  vm                           ocf:heartbeat:VirtualDomain config, allow-migrate
  autostart=0                  meta target-role=Stopped
  recovery=restart             max_restarts N: migration-threshold N+1
  recovery=relocate            migration-threshold=1
  recovery=disable             monitors on-fail=stop
  recovery=restart-disable     migration-threshold (reported: relocates instead)
  restart_expire_time T        failure-timeout T
  exclusive=1                  -INFINITY colocation of every other service with it
  depend=service:S             order S then this (depend_mode=soft: Optional)
  __independent_subtree=1      own group, colocated with the service, after its
                               predecessor, before its successor (Optional order:
                               its restarts leave the successor alone); =2 also
                               on-fail=stop; __max_restarts,
                               __restart_expire_time: its migration-threshold,
                               failure-timeout
  failoverdomain               location per member: 100, or 100 per priority step
                               when ordered (priority 1 highest); restricted: a
                               -INFINITY rule for other nodes; nofailback (ordered):
                               resource-stickiness above the top score
  (all)                        rsc_defaults resource-stickiness=1: no rebalancing

Recovery differs in one general way: rgmanager restarted a whole service (or independent subtree) when one of its resources failed; in a group only the failed resource and those after it restart. A nested __independent_subtree inside another is part of its enclosing subtree's group.

Every converted resource gets a monitor operation (30s; fencing devices 60s). The CIB is validated before it is printed or applied.`
