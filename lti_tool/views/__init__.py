"""The LTI tool's endpoints, one module per audience.

- `launch`: the platform and the user's browser during a launch (OIDC login, launch, the
  frame's hand-back of a Deep Linking response);
- `deep_linking`: the instructor placing Credbridge in a course (picker and response);
- `registration`: the LMS administrator registering the tool (Dynamic Registration, the
  Canvas developer-key JSON);
- `keys`: platforms fetching the tool's public keys.
"""
