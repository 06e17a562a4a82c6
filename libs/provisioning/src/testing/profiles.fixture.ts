/** The acceptance profile: periodic inform interval, NTP servers and one port mapping (TR-181). */
export const ACCEPTANCE_PROFILE = {
  name: 'acceptance',
  parameters: {
    'Device.ManagementServer.PeriodicInformInterval': 300,
    'Device.Time.NTPServer1': 'ntp1.example.net',
    'Device.Time.NTPServer2': 'ntp2.example.net',
  },
  objects: [
    {
      path: 'Device.NAT.PortMapping.',
      key: { ExternalPort: 2222 },
      parameters: { InternalPort: 22, Enable: true, Description: 'acs-ssh' },
    },
  ],
};
